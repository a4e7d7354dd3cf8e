/* The workstation's bearer token, kept in the desktop's Secret Service
 * (libsecret), keyed by the server URL. Never in GSettings, the database or
 * the logs. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The libsecret schema name; its attribute "server" is the server URL. */
#define SCH_CREDENTIALS_SCHEMA_NAME "io.github.schalter.Schalter.Token"

/* @persistent: in the default (login) keyring; otherwise in the session
 * collection, which forgets the token at logout (and needs no keyring
 * password: used by the tests, whose private keyring has no login keyring). */
void     sch_credentials_store_token_async   (const char          *server_url,
                                              const char          *token,
                                              gboolean             persistent,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean sch_credentials_store_token_finish  (GAsyncResult  *result,
                                              GError       **error);

/* Finishes with NULL and no error when no token is stored for @server_url.
 * Free the token with sch_credentials_free_token(). */
void     sch_credentials_lookup_token_async  (const char          *server_url,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char    *sch_credentials_lookup_token_finish (GAsyncResult  *result,
                                              GError       **error);

void     sch_credentials_clear_token_async   (const char          *server_url,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean sch_credentials_clear_token_finish  (GAsyncResult  *result,
                                              GError       **error);

/* Wipes the token's memory before freeing it. */
void     sch_credentials_free_token          (char *token);

G_END_DECLS

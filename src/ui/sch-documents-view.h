/* The documents of a case: the checklist of the slots its type asks for
 * (filled, to follow or missing) and the pages of the selected slot, with
 * scanning, importing, dropping files and the page work (rotate, delete,
 * reorder, move to another slot, split a run, undo). */
#pragma once

#include <adwaita.h>

#include "sch-app-type.h"
#include "sch-pdf-inspector.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_DOCUMENTS_VIEW (sch_documents_view_get_type ())
G_DECLARE_FINAL_TYPE (SchDocumentsView, sch_documents_view, SCH, DOCUMENTS_VIEW, AdwBin)

GtkWidget  *sch_documents_view_new          (void);
/* Shows the documents of @kase (of @type) in @store; NULLs show nothing. */
void        sch_documents_view_set_case     (SchDocumentsView *self,
                                             SchStore         *store,
                                             SchCase          *kase,
                                             SchAppType       *type);
/* Selects the slot @slot_id in the checklist and shows its pages. */
void        sch_documents_view_select_slot  (SchDocumentsView *self,
                                             const char       *slot_id);
const char *sch_documents_view_get_slot     (SchDocumentsView *self);
/* Imports @files (GFile*) into @slot_id (NULL: the selected slot), one after
 * the other, as the file chooser and dropped files do. FALSE when the case
 * takes no documents now (the clerk is told why) or has no such slot. */
gboolean    sch_documents_view_import_files (SchDocumentsView *self,
                                             GPtrArray        *files,
                                             const char       *slot_id);
/* TRUE while files are imported or pages stored. */
gboolean    sch_documents_view_is_busy      (SchDocumentsView *self);
/* The helper the view opens PDFs with. */
SchPdfInspector *sch_documents_view_get_inspector (SchDocumentsView *self);

G_END_DECLS

#!/usr/bin/env python3
"""Generate countries.json (ISO 3166-1 countries with names in en/de/fr/it and
their eCH-0008 BFS country codes) from Debian's iso-codes package.

Run from this folder after installing iso-codes:  ./make-countries.py > countries.json
The result is committed so that the app does not need iso-codes at run time.
"""

import gettext
import json
import sys

ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
LOCALE_DIR = "/usr/share/locale"
LANGUAGES = ("de", "fr", "it")

# eCH-0008 four-digit country codes of the Swiss Federal Statistical Office
# (Staaten- und Gebietsverzeichnis). Territories whose BFS code could not be
# matched with certainty to one ISO code (SH, UM) are left out and get 0.
BFS_CODES = """
AD 8202 AE 8532 AF 8501 AG 8442 AI 8446 AL 8201 AM 8560 AO 8305 AQ 8701
AR 8401 AS 8621 AT 8229 AU 8601 AW 8482 AX 8274 AZ 8561 BA 8252 BB 8403
BD 8546 BE 8204 BF 8337 BG 8205 BH 8502 BI 8308 BJ 8309 BL 8449 BM 8404
BN 8504 BO 8405 BQ 8486 BR 8406 BS 8402 BT 8503 BV 8702 BW 8307 BY 8266
BZ 8419 CA 8423 CC 8652 CD 8323 CF 8360 CG 8322 CH 8100 CI 8310 CK 8682
CL 8407 CM 8317 CN 8508 CO 8424 CR 8408 CU 8425 CV 8319 CW 8484 CX 8655
CY 8242 CZ 8244 DE 8207 DJ 8303 DK 8206 DM 8440 DO 8409 DZ 8304 EC 8410
EE 8260 EG 8359 EH 8372 ER 8362 ES 8236 ET 8302 FI 8211 FJ 8602 FK 8412
FM 8618 FO 8210 FR 8212 GA 8311 GB 8215 GD 8441 GE 8562 GF 8416 GG 8272
GH 8313 GI 8213 GL 8413 GM 8312 GN 8315 GP 8414 GQ 8301 GR 8214 GS 8483
GT 8415 GU 8632 GW 8314 GY 8417 HK 8509 HM 8653 HN 8420 HR 8250 HT 8418
HU 8240 ID 8511 IE 8216 IL 8514 IM 8225 IN 8510 IO 8371 IQ 8512 IR 8513
IS 8217 IT 8218 JE 8271 JM 8421 JO 8517 JP 8515 KE 8320 KG 8564 KH 8518
KI 8616 KM 8321 KN 8445 KP 8530 KR 8539 KW 8521 KY 8473 KZ 8563 LA 8522
LB 8523 LC 8443 LI 8222 LK 8506 LR 8325 LS 8324 LT 8262 LU 8223 LV 8261
LY 8326 MA 8331 MC 8226 MD 8263 ME 8254 MF 8448 MG 8327 MH 8617 MK 8255
ML 8330 MM 8505 MN 8528 MO 8524 MP 8630 MQ 8426 MR 8332 MS 8475 MT 8224
MU 8333 MV 8526 MW 8329 MX 8427 MY 8525 MZ 8334 NA 8351 NC 8606 NE 8335
NF 8654 NG 8336 NI 8429 NL 8227 NO 8228 NP 8529 NR 8604 NU 8683 NZ 8607
OM 8527 PA 8430 PE 8432 PF 8671 PG 8608 PH 8534 PK 8533 PL 8230 PM 8434
PN 8685 PR 8433 PS 8550 PT 8231 PW 8619 PY 8431 QA 8519 RE 8339 RO 8232
RS 8248 RU 8264 RW 8341 SA 8535 SB 8614 SC 8346 SD 8350 SE 8234 SG 8537
SI 8251 SJ 8273 SK 8243 SL 8347 SM 8233 SN 8345 SO 8348 SR 8435 SS 8363
ST 8344 SV 8411 SX 8485 SY 8541 SZ 8352 TC 8474 TD 8356 TF 8703 TG 8354
TH 8542 TJ 8565 TK 8684 TL 8547 TM 8566 TN 8357 TO 8610 TR 8239 TT 8436
TV 8615 TW 8507 TZ 8353 UA 8265 UG 8358 US 8439 UY 8437 UZ 8567 VA 8241
VC 8444 VE 8438 VG 8476 VI 8472 VN 8545 VU 8605 WF 8611 WS 8612 YE 8516
YT 8361 ZA 8349 ZM 8343 ZW 8340 XK 8256
"""

# Kosovo is not (yet) in ISO 3166-1, but Swiss registers and passports use XK
# and it is one of the main countries of origin of foreign residents.
EXTRA_COUNTRIES = [
    {"alpha_2": "XK", "name": "Kosovo",
     "names": {"de": "Kosovo", "fr": "Kosovo", "it": "Kosovo"}},
]


def parse_bfs_codes():
    words = BFS_CODES.split()
    return {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}


def translator(lang):
    catalog = gettext.translation("iso_3166-1", localedir=LOCALE_DIR,
                                  languages=[lang])
    # Returns None for an untranslated message so that the caller can fall
    # back; gettext() would hand back the English text instead.
    return lambda msgid: catalog._catalog.get(msgid)


def main():
    with open(ISO_JSON, encoding="utf-8") as f:
        entries = json.load(f)["3166-1"]

    bfs = parse_bfs_codes()
    translate = {lang: translator(lang) for lang in LANGUAGES}
    countries = []

    for entry in entries:
        # The common name ("Iran") reads better on a form than the ISO
        # short name ("Iran, Islamic Republic of").
        msgid = entry.get("common_name", entry["name"])
        country = {"iso2": entry["alpha_2"], "bfs": bfs.get(entry["alpha_2"], 0),
                   "name_en": msgid}
        for lang in LANGUAGES:
            country["name_" + lang] = (translate[lang](msgid)
                                       or translate[lang](entry["name"])
                                       or entry["name"])
        countries.append(country)

    for extra in EXTRA_COUNTRIES:
        country = {"iso2": extra["alpha_2"], "bfs": bfs.get(extra["alpha_2"], 0),
                   "name_en": extra["name"]}
        for lang in LANGUAGES:
            country["name_" + lang] = extra["names"][lang]
        countries.append(country)

    countries.sort(key=lambda c: c["name_en"].casefold())
    json.dump(countries, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Writes corpus_ids.jsonl: labelled posts for the national-id, financial, wallet, network and
date-of-birth detectors, and traps for every non-credential detector.

Every number that must be found is checked here with python-stdnum (an independent
implementation of the issuers' rules: `pip install python-stdnum`, dev only), so the corpus does
not merely agree with SafePost's own validators. Valid numbers are the issuers' published
examples where they exist, otherwise completed from a base with the check digits stdnum accepts;
traps are the same numbers with a wrong check digit, without their words, or shapes that only
look alike (order numbers, phone numbers, dates, ISBNs, versions, invoice references).

Run: python3 tests/data/text/gen_corpus_ids.py  (rewrites the file next to it)
"""
import itertools
import json
import os
import string

from stdnum import bic, verhoeff
from stdnum.au import tfn
from stdnum.be import nn
from stdnum.br import cnpj, cpf
from stdnum.ca import sin
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.mx import curp
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.us import itin, rtn

DIGITS = string.digits
ALNUM = string.digits + string.ascii_uppercase


def complete(prefix, ok, alphabet=DIGITS, k=1):
    """The first completion of `prefix` by `k` characters that `ok` accepts."""
    for bump in range(10):
        # Some bases have no valid completion (a mod-11 check of 10): nudge the base's last digit.
        base = prefix if bump == 0 else prefix[:-1] + str((int(prefix[-1]) + bump) % 10)
        for tail in itertools.product(alphabet, repeat=k):
            cand = base + "".join(tail)
            if ok(cand):
                return cand
    raise ValueError(prefix)


def wrong(valid, ok, alphabet=DIGITS):
    """`valid` with its last character changed so that `ok` rejects it."""
    for c in alphabet:
        cand = valid[:-1] + c
        if cand != valid and not ok(cand):
            return cand
    raise ValueError(valid)


def checked(number, ok):
    assert ok(number), number
    return number


posts = []


def pos(rule, text, *matched):
    for m in matched:
        assert m in text, (m, text)
    posts.append({"text": text, "expect": [[rule, m] for m in matched]})


def trap(rule, text, *also):
    """A near miss for `rule`; `also`: what other detectors rightly find in it (a real phone)."""
    for r, m in also:
        assert m in text, (m, text)
    posts.append({"text": text, "expect": [list(a) for a in also], "trap": rule})


# ---------------------------------------------------------------- UK
ok = lambda n: True  # NINO has no check digit: the prefix rules are SafePost's own
pos("uk_nino", "HR needs my NI number AB123456C before Friday, sending it here so I don't forget", "AB123456C")
pos("uk_nino", "New job! National Insurance: JG 10 37 95 A (yes I know, shouldn't post this 😅)", "JG 10 37 95 A")
pos("uk_nino", "my nino is CE482917B if payroll asks", "CE482917B")
pos("uk_nino", "Form P46 done: NI no. WP 82 64 17 D, start date 4 March", "WP 82 64 17 D")
pos("uk_nino", "Can someone check if TH 29 48 61 C looks right for a National Insurance number?", "TH 29 48 61 C")
pos("uk_nino", "NI number QQ123456C", "QQ123456C")
trap("uk_nino", "Flight BA1234 boards at gate C, seat 12C")
trap("uk_nino", "Use the voucher GB123456A at checkout")
trap("uk_nino", "Part number DA123456A is back in stock")
trap("uk_nino", "Our office postcode area is AB12 3456 and the desk is C")
trap("uk_nino", "Tracking code AB123456E shipped with Royal Mail")
trap("uk_nino", "Sample kit ZZ123456A arrived at the lab")

nhs_ok = nhs.is_valid
n1 = checked("9434765919", nhs_ok)  # NHS Digital's documentation example
n2 = complete("401023213", nhs_ok)
n3 = complete("485777345", nhs_ok)
n4 = complete("632109876", nhs_ok)
n5 = complete("721894356", nhs_ok)
pos("uk_nhs", f"GP surgery wants my NHS number: {n1[:3]} {n1[3:6]} {n1[6:]}", f"{n1[:3]} {n1[3:6]} {n1[6:]}")
pos("uk_nhs", f"Mum's NHS no is {n2}, booking her jab now", n2)
pos("uk_nhs", f"NHS number {n3[:3]}-{n3[3:6]}-{n3[6:]} for the repeat prescription", f"{n3[:3]}-{n3[3:6]}-{n3[6:]}")
pos("uk_nhs", f"Registered with the new practice, NHS {n4}", n4)
pos("uk_nhs", f"hospital letter says NHS number {n5[:3]} {n5[3:6]} {n5[6:]} 🙄", f"{n5[:3]} {n5[3:6]} {n5[6:]}")
trap("uk_nhs", f"Order {n4} has shipped, track it in the app")
trap("uk_nhs", f"NHS number {wrong(n1, nhs_ok)} (typo?)")
trap("uk_nhs", f"Invoice {n2} paid, thanks team")
trap("uk_nhs", "NHS 111 line was busy for an hour today")
trap("uk_nhs", f"Ticket {n5} closed by support")

# ---------------------------------------------------------------- Germany
idnr_ok = idnr.is_valid
d1 = checked("86095742719", idnr_ok)  # BZSt documentation example
d2 = complete("4715962304", idnr_ok)
d3 = complete("6581904362", idnr_ok)
d4 = complete("2930475128", idnr_ok)
d5 = complete("5723014856", idnr_ok)
assert len({d1, d2, d3, d4, d5}) == 5
pos("de_tax_id", f"Neuer Job, die Personalabteilung will meine Steuer-ID: {d1}", d1)
pos("de_tax_id", f"Steueridentifikationsnummer {d2[:2]} {d2[2:5]} {d2[5:8]} {d2[8:]} steht auf dem Brief vom Finanzamt", f"{d2[:2]} {d2[2:5]} {d2[5:8]} {d2[8:]}")
pos("de_tax_id", f"meine IdNr ist {d3}, kann das jemand fürs Elterngeld eintragen?", d3)
pos("de_tax_id", f"Tax ID for the German payroll: {d4}", d4)
pos("de_tax_id", f"Die steuerliche Identifikationsnummer {d5} gehört zu meiner Tochter", d5)
trap("de_tax_id", f"Bestellnummer {d4} wurde versandt")
trap("de_tax_id", f"Steuer-ID {wrong(d1, idnr_ok)} stimmt wohl nicht")
trap("de_tax_id", "Steuer-ID 12345678903 aus dem Beispielformular")
trap("de_tax_id", f"Rechnung {d2} ist bezahlt")
trap("de_tax_id", "Ruf mich an: 0151 234 56789", ("phone", "0151 234 56789"))

# Personalausweis: nine characters of the card alphabet plus the ICAO check digit when written.
def icao(s):
    vals = [int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55 for c in s]
    return str(sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(vals)) % 10)

ids = ["L7T06M2R4", "T46Z91K08", "LM2X0C715", "P9R1W6Y32", "N3F82H0V1"]
pos("de_id_card", f"Personalausweis verloren, Nummer war {ids[0]}, wer ihn findet bitte melden", ids[0])
pos("de_id_card", f"Ausweisnummer {ids[1]}{icao(ids[1])} für die Hotelbuchung", ids[1] + icao(ids[1]))
pos("de_id_card", f"Mein Perso: {ids[2]} (für die Bank)", ids[2])
pos("de_id_card", f"ID card {ids[3]} was scanned at the check-in desk", ids[3])
pos("de_id_card", f"Für die Anmeldung braucht ihr die Ausweisnummer {ids[4]}", ids[4])
pos("de_id_card", "Muster-Ausweis zum Testen: Personalausweis T22000129", "T22000129")
trap("de_id_card", f"Ausweisnummer {ids[1]}{(int(icao(ids[1])) + 1) % 10} für die Hotelbuchung")
trap("de_id_card", f"Tracking {ids[0]} ist unterwegs")
trap("de_id_card", "Ausweis liegt im Büro, Raum CHLMNPRTV im dritten Stock")
trap("de_id_card", "Modell L7T06M2R4 ist ausverkauft")
trap("de_id_card", "Personalausweis beantragt, Termin um 10:30")

# ---------------------------------------------------------------- France
nir_ok = nir.is_valid
f1 = complete("1850578006084", nir_ok, k=2)
f2 = complete("2690520A00608", nir_ok, k=2) if nir_ok(complete("2690520A00608", lambda x: True, k=2)) else None
f2 = complete("2690575108412", nir_ok, k=2)
f3 = complete("1920133123456", nir_ok, k=2)
f4 = complete("2811269088123", nir_ok, k=2)
f5 = complete("1770792050321", nir_ok, k=2)
fmt = lambda n: f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"
pos("fr_nir", f"Mon numéro de sécu : {fmt(f1)} pour la mutuelle", fmt(f1))
pos("fr_nir", f"numéro de sécurité sociale {f2}, envoyé à la CPAM", f2)
pos("fr_nir", f"Carte vitale perdue, le NIR était {fmt(f3)}", fmt(f3))
pos("fr_nir", f"La RH m'a demandé mon numéro INSEE {fmt(f4)} 🙃", fmt(f4))
pos("fr_nir", f"social security number (France): {f5}", f5)
trap("fr_nir", f"Numéro de sécu {wrong(f1, nir_ok)} refusé par le site")
trap("fr_nir", f"Commande {f3} expédiée ce matin")
trap("fr_nir", "Appelez le 01 23 45 67 89 pour la mutuelle")
trap("fr_nir", f"Référence dossier {f5} à rappeler")
trap("fr_nir", "ISBN 978-2-07-036822-8 en rupture")

# ---------------------------------------------------------------- Spain
dni_ok = dni.is_valid
e1 = checked("12345678Z", dni_ok)
e2 = complete("47392815", dni_ok, string.ascii_uppercase)
e3 = complete("05871234", dni_ok, string.ascii_uppercase)
e4 = complete("73920461", dni_ok, string.ascii_uppercase)
e5 = complete("28654019", dni_ok, string.ascii_uppercase)
pos("es_dni", f"Para la reserva necesitan mi DNI {e2}, ¿es normal?", e2)
pos("es_dni", f"DNI: {e3[:8]}-{e3[8]} (para el contrato del piso)", f"{e3[:8]}-{e3[8]}")
pos("es_dni", f"mi NIF es {e4} por si lo pide la gestoría", e4)
pos("es_dni", f"Perdí la cartera, el documento nacional era {e5}", e5)
pos("es_dni", f"Datos para la matrícula: {e2}", e2)
trap("es_dni", f"DNI {wrong(e2, dni_ok, string.ascii_uppercase)} no válido según la web")
trap("es_dni", "Pedido 20240315A enviado")
trap("es_dni", f"Vuelo {e4[:8]} puerta A")
trap("es_dni", "Código postal 28013 Madrid, piso 4B")
trap("es_dni", "Llámame al 612345678")

nie_ok = nie.is_valid
i1 = checked("X1234567L", nie_ok)
i2 = complete("Y4829136", nie_ok, string.ascii_uppercase)
i3 = complete("Z9031742", nie_ok, string.ascii_uppercase)
i4 = complete("X6610384", nie_ok, string.ascii_uppercase)
i5 = complete("Y0275519", nie_ok, string.ascii_uppercase)
pos("es_nie", f"Por fin tengo mi NIE: {i2} 🎉", i2)
pos("es_nie", f"NIE {i3[0]}-{i3[1:8]}-{i3[8]} para el banco", f"{i3[0]}-{i3[1:8]}-{i3[8]}")
pos("es_nie", f"tarjeta de residencia {i4} caducada, qué hago", i4)
pos("es_nie", f"My Spanish NIE is {i5}, paperwork done", i5)
pos("es_nie", f"Número de extranjero {i2}", i2)
trap("es_nie", f"NIE {wrong(i2, nie_ok, string.ascii_uppercase)} rechazado")
trap("es_nie", "Modelo X1234567 en oferta")
trap("es_nie", "Model Y2024 launch event, tickets from 9AM")
trap("es_nie", "Serial Z12345678 returned")
trap("es_nie", "Ref X-2024-0042 archivada")

# ---------------------------------------------------------------- Italy
cf_ok = codicefiscale.is_valid
c1 = checked("RSSMRA85T10A562S", cf_ok)
c2 = complete("BNCLRA90A41H501", cf_ok, string.ascii_uppercase)
c3 = complete("VRDGPP80E15F205", cf_ok, string.ascii_uppercase)
c4 = complete("FRRLCU75C22L219", cf_ok, string.ascii_uppercase)
c5 = complete("CLMSFN88M62G273", cf_ok, string.ascii_uppercase)
pos("it_codice_fiscale", f"Il mio codice fiscale è {c2}, serve per la palestra", c2)
pos("it_codice_fiscale", f"CF {c3} per la fattura, grazie", c3)
pos("it_codice_fiscale", f"tessera sanitaria nuova: {c4.lower()}", c4.lower())
pos("it_codice_fiscale", f"Tax code for the Milan office payroll: {c5}", c5)
pos("it_codice_fiscale", f"Mi hanno chiesto il codice fiscale al telefono: {c2}", c2)
trap("it_codice_fiscale", f"Codice fiscale {wrong(c2, cf_ok, string.ascii_uppercase)} non valido")
trap("it_codice_fiscale", "Prenotazione ABCDEF12G34H567I confermata")
trap("it_codice_fiscale", "RssMra85T10A562S hashtag per il concorso")
trap("it_codice_fiscale", "Ordine n. 2024000123 spedito")
trap("it_codice_fiscale", "Codice sconto ESTATE2024 valido fino a domenica")

# ---------------------------------------------------------------- Netherlands
bsn_ok = bsn.is_valid
b1 = checked("111222333", bsn_ok)
b2 = complete("12345678", bsn_ok)
b3 = complete("23758940", bsn_ok)
b4 = complete("56218733", bsn_ok)
b5 = complete("69304125", bsn_ok)
pos("nl_bsn", f"BSN {b1}", b1)
pos("nl_bsn", f"Mijn BSN is {b3}, kan de boekhouder het invullen?", b3)
pos("nl_bsn", f"burgerservicenummer {b4[:4]}.{b4[4:6]}.{b4[6:]} voor de huurcommissie", f"{b4[:4]}.{b4[4:6]}.{b4[6:]}")
pos("nl_bsn", f"Dutch payroll wants my citizen service number: {b5}", b5)
pos("nl_bsn", f"sofinummer van mijn zoon: {b2}", b2)
trap("nl_bsn", f"Bestelling {b3} is onderweg")
trap("nl_bsn", f"BSN {wrong(b3, bsn_ok)} klopt niet volgens DigiD")
trap("nl_bsn", f"Factuur {b5} betaald")
trap("nl_bsn", "Bel me op 0612345678")
trap("nl_bsn", f"Pakketnummer {b4}, morgen bezorgd")

# ---------------------------------------------------------------- Belgium
nn_ok = nn.is_valid
be1 = checked("85073003328", nn_ok)
be2 = complete("930212456", nn_ok, k=2)
be3 = complete("010315123", nn_ok, k=2)
be4 = complete("781124089", nn_ok, k=2)
be5 = complete("660508211", nn_ok, k=2)
fmtb = lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]}"
pos("be_national_number", f"Rijksregisternummer {fmtb(be2)} voor de inschrijving", fmtb(be2))
pos("be_national_number", f"Mon numéro national : {be3}", be3)
pos("be_national_number", f"{fmtb(be4)} is my Belgian national number, for the visa form", fmtb(be4))
pos("be_national_number", f"INSZ {be5} staat op de loonbrief", be5)
pos("be_national_number", f"registre national {fmtb(be1)} (ma carte eID)", fmtb(be1))
trap("be_national_number", f"Rijksregisternummer {wrong(be2, nn_ok)} geweigerd")
trap("be_national_number", f"Bestelling {be4} verzonden")
trap("be_national_number", "Réunion le 12.03.2024 à 10h, salle 101")
trap("be_national_number", f"Factuur {be5} betaald")
trap("be_national_number", "Bel 0470 12 34 56 voor info", ("phone", "0470 12 34 56"))

# ---------------------------------------------------------------- Poland
pesel_ok = pesel.is_valid
p1 = checked("44051401359", pesel_ok)
p2 = complete("9002150312", pesel_ok)
p3 = complete("0222041245", pesel_ok)
p4 = complete("8512310078", pesel_ok)
p5 = complete("7306220846", pesel_ok)
pos("pl_pesel", f"PESEL {p2} do umowy, wysyłam tutaj bo mail nie działa", p2)
pos("pl_pesel", f"mój pesel: {p3}", p3)
pos("pl_pesel", f"My daughter's PESEL for the school form: {p4}", p4)
pos("pl_pesel", f"Numer PESEL {p5} podałam w przychodni", p5)
pos("pl_pesel", f"pesel {p1} z przykładu", p1)
trap("pl_pesel", f"PESEL {wrong(p2, pesel_ok)} odrzucony")
trap("pl_pesel", f"Zamówienie {p4} wysłane")
trap("pl_pesel", "PESEL 44053401354 z formularza testowego")
trap("pl_pesel", f"Faktura {p5} opłacona")
trap("pl_pesel", "Zadzwoń 48123456789")

# ---------------------------------------------------------------- Nordics
se_ok = personnummer.is_valid
s1 = checked("811218-9876", se_ok)
s2 = complete("900521-123", se_ok)
s3 = complete("750303-456", se_ok)
s4 = complete("020712-789", se_ok)
s5 = complete("19640823-323", lambda n: se_ok(n[2:]))
pos("se_personnummer", f"Mitt personnummer är {s2} om någon från banken frågar", s2)
pos("se_personnummer", f"{s3}", s3)
pos("se_personnummer", f"personnummer {s4.replace('-', '')} till försäkringskassan", s4.replace("-", ""))
pos("se_personnummer", f"Swedish ID for the contract: {s5}", s5)
pos("se_personnummer", f"samordningsnummer? nej, personnr {s1}", s1)
trap("se_personnummer", f"personnummer {wrong(s2, se_ok)} fel enligt Skatteverket")
trap("se_personnummer", f"Order {s4.replace('-', '')} skickad")
trap("se_personnummer", "Ring 070-123 45 67", ("phone", "070-123 45 67"))
trap("se_personnummer", "Möte 2024-03-12 kl 10")
trap("se_personnummer", f"Faktura {s3.replace('-', '')} betald")

no_ok = fodselsnummer.is_valid
o1 = checked("15108695088", no_ok)
o2 = complete("030590123", no_ok, k=2)
o3 = complete("240875456", no_ok, k=2)
o4 = complete("111263223", no_ok, k=2)
o5 = complete("070701345", no_ok, k=2)
pos("no_fodselsnummer", f"Fødselsnummer {o2}, sendt til NAV", o2)
pos("no_fodselsnummer", f"fodselsnummer: {o3[:6]} {o3[6:]}", f"{o3[:6]} {o3[6:]}")
pos("no_fodselsnummer", f"Mitt personnummer er {o4}", o4)
pos("no_fodselsnummer", f"D-nummer? Nei, fødselsnummer {o1}", o1)
pos("no_fodselsnummer", f"Norwegian fødselsnummer for the hire: {o5}", o5)
trap("no_fodselsnummer", f"Fødselsnummer {wrong(o2, no_ok)} ble avvist")
trap("no_fodselsnummer", f"Ordre {o4} er sendt")
trap("no_fodselsnummer", "Ring 47 12 34 56 78")
trap("no_fodselsnummer", f"Faktura {o5} betalt")
trap("no_fodselsnummer", "Fødselsnummer 32139012345 fra eksempelet")

cpr_ok = cpr.is_valid
k1 = "211062-5629"
k2, k3, k4, k5 = "030592-1234", "150778-4321", "290296-0517", "011201-4127"
for k in (k1, k2, k3, k4, k5):
    assert cpr_ok(k), k
pos("dk_cpr", f"CPR {k1} til lægen", k1)
pos("dk_cpr", f"mit CPR-nummer er {k2}", k2)
pos("dk_cpr", f"Danish CPR for payroll: {k3}", k3)
pos("dk_cpr", f"cpr-nr {k4.replace('-', '')} på sundhedskortet", k4.replace("-", ""))
pos("dk_cpr", f"Personnummer (CPR) {k5}", k5)
trap("dk_cpr", "CPR 311162-5629 kan ikke passe")
trap("dk_cpr", f"Ordre {k3} afsendt")
trap("dk_cpr", "Ring 2012345678", ("phone", "2012345678"))
trap("dk_cpr", f"Faktura {k5} betalt")
trap("dk_cpr", "CPR-kursus 150778-0000 aflyst")

hetu_ok = hetu.is_valid
h1 = checked("131052-308T", hetu_ok)
h2 = complete("150590-123", hetu_ok, ALNUM)
h3 = complete("010203A456", hetu_ok, ALNUM)
h4 = complete("240780-875", hetu_ok, ALNUM)
h5 = complete("311299+123", hetu_ok, ALNUM)
pos("fi_hetu", f"Henkilötunnus {h2} lomakkeeseen", h2)
pos("fi_hetu", f"hetu: {h3}", h3)
pos("fi_hetu", f"Finnish personal id {h4} for the contract", h4)
pos("fi_hetu", f"{h1} on henkilötunnukseni", h1)
pos("fi_hetu", f"isoisän hetu {h5}", h5)
trap("fi_hetu", f"Henkilötunnus {wrong(h2, hetu_ok, ALNUM)} virheellinen")
trap("fi_hetu", "Tilaus 150590-1234 lähetetty")
trap("fi_hetu", "Soita 040-1234567", ("phone", "040-1234567"))
trap("fi_hetu", "Kokous 15.05.1990 klo 10")
trap("fi_hetu", "Henkilötunnus 311152-308T ei ole oikea")

# ---------------------------------------------------------------- Canada, Australia
sin_ok = sin.is_valid
ca1 = complete("13069254", sin_ok)
ca2 = complete("27384910", sin_ok)
ca3 = complete("51829374", sin_ok)
ca4 = complete("64092813", sin_ok)
ca5 = complete("72910384", sin_ok)
pos("ca_sin", f"My SIN is {ca1[:3]} {ca1[3:6]} {ca1[6:]}, needed it for the bank", f"{ca1[:3]} {ca1[3:6]} {ca1[6:]}")
pos("ca_sin", f"Social Insurance Number: {ca2}", ca2)
pos("ca_sin", f"NAS {ca3[:3]}-{ca3[3:6]}-{ca3[6:]} pour l'employeur", f"{ca3[:3]}-{ca3[3:6]}-{ca3[6:]}")
pos("ca_sin", f"numéro d'assurance sociale {ca4}", ca4)
pos("ca_sin", f"payroll keeps asking for my SIN: {ca5}", ca5)
trap("ca_sin", "SIN 046 454 286 from the government's example (0 is never issued)")
trap("ca_sin", f"SIN {wrong(ca1, sin_ok)} rejected by CRA")
trap("ca_sin", f"Order {ca2} shipped")
trap("ca_sin", "single 046454286")
trap("ca_sin", f"Invoice {ca4} is overdue")
trap("ca_sin", f"Tracking {ca5} out for delivery")

tfn_ok = tfn.is_valid
t1 = checked("876543210", tfn_ok)
t2 = complete("45872913", tfn_ok)
t3 = complete("31240587", tfn_ok)
t4 = complete("56019283", tfn_ok)
t5 = complete("71192046", tfn_ok)
pos("au_tfn", f"TFN {t1[:3]} {t1[3:6]} {t1[6:]} for the new employer", f"{t1[:3]} {t1[3:6]} {t1[6:]}")
pos("au_tfn", f"my tax file number is {t2}", t2)
pos("au_tfn", f"Tax File Number: {t3}", t3)
pos("au_tfn", f"TFN {t4} on the declaration form, is that safe?", t4)
pos("au_tfn", f"the ATO letter has TFN {t5}", t5)
trap("au_tfn", f"TFN {wrong(t2, tfn_ok)} is not valid")
trap("au_tfn", f"Order {t3} shipped")
trap("au_tfn", f"Invoice {t4} paid")
trap("au_tfn", "Call 0412 345 678", ("phone", "0412 345 678"))
trap("au_tfn", f"Reference {t5}")

def medicare_ok(n):
    d = [int(c) for c in n]
    return len(d) == 10 and 2 <= d[0] <= 6 and sum(x * w for x, w in zip(d, (1, 3, 7, 9, 1, 3, 7, 9))) % 10 == d[8] and d[9] != 0

m1 = "2123456701"  # Services Australia's documentation example
m2 = complete("34567890", lambda n: medicare_ok(n + "1")) + "1"
m3 = complete("56781234", lambda n: medicare_ok(n + "2")) + "2"
m4 = complete("41230987", lambda n: medicare_ok(n + "1")) + "1"
m5 = complete("65430129", lambda n: medicare_ok(n + "3")) + "3"
for m in (m1, m2, m3, m4, m5):
    assert medicare_ok(m), m
fm = lambda n: f"{n[:4]} {n[4:9]} {n[9]}"
pos("au_medicare", f"Medicare card {fm(m1)} for the GP booking", fm(m1))
pos("au_medicare", f"my medicare number is {m2}", m2)
pos("au_medicare", f"Medicare: {fm(m3)}", fm(m3))
pos("au_medicare", f"lost my Medicare card, number was {m4}", m4)
pos("au_medicare", f"medicare {fm(m5)} (kids on it too)", fm(m5))
trap("au_medicare", f"Medicare card {m1[:8]}9{m1[9]} was rejected")
trap("au_medicare", f"Order {m2} shipped")
trap("au_medicare", "Call 02 9876 5432", ("phone", "02 9876 5432"))
trap("au_medicare", f"Invoice {m4} paid")
trap("au_medicare", f"Medicare card 7{m1[1:]} (not a real one)")

# ---------------------------------------------------------------- India
a_ok = aadhaar.is_valid
a1 = complete("23412341234", a_ok)
a2 = complete("49872310654", a_ok)
a3 = complete("76543210987", a_ok)
a4 = complete("35790864213", a_ok)
a5 = complete("82736451902", a_ok)
fa = lambda n: f"{n[:4]} {n[4:8]} {n[8:]}"
pos("in_aadhaar", f"Aadhaar {fa(a1)} linked to the bank finally", fa(a1))
pos("in_aadhaar", f"my aadhar number is {a2}", a2)
pos("in_aadhaar", f"UIDAI says {fa(a3)} is verified", fa(a3))
pos("in_aadhaar", f"आधार {a4}", a4)
pos("in_aadhaar", f"Aadhaar card: {fa(a5)}", fa(a5))
trap("in_aadhaar", f"Aadhaar {wrong(a1, a_ok)} invalid")
trap("in_aadhaar", f"Order {a2} shipped")
trap("in_aadhaar", "Call +91 98765 43210", ("phone", "+91 98765 43210"))
trap("in_aadhaar", f"Invoice {fa(a4)}")
trap("in_aadhaar", "Aadhaar 1341 2341 2346 (starts with 1)")

pan_ok = pan.is_valid
pans = ["AFZPK7190K", "BNZPM2501F", "AAACR5055K", "CQWPS4321L", "DJKPB8876Q"]
for x in pans:
    assert pan_ok(x), x
pos("in_pan", f"PAN {pans[0]} for the tax filing", pans[0])
pos("in_pan", f"my PAN card: {pans[1]}", pans[1])
pos("in_pan", f"Company PAN {pans[2]} on the invoice", pans[2])
pos("in_pan", f"Permanent Account Number {pans[3]}", pans[3])
pos("in_pan", f"income tax portal wants {pans[4]} again", pans[4])
trap("in_pan", "Coupon AFZQK7190K expired")
trap("in_pan", "Flight ABCDE1234 delayed")
trap("in_pan", "Part XAFZPK7190K back in stock")
trap("in_pan", "Code abczp1234k lowercase")
trap("in_pan", "Use SUMMER2024 at checkout")

# ---------------------------------------------------------------- Brazil, Mexico
cpf_ok = cpf.is_valid
br1 = complete("390533447", cpf_ok, k=2)
br2 = complete("529982247", cpf_ok, k=2)
br3 = complete("111444777", cpf_ok, k=2)
br4 = complete("853513468", cpf_ok, k=2)
br5 = complete("275486312", cpf_ok, k=2)
fc = lambda n: f"{n[:3]}.{n[3:6]}.{n[6:9]}-{n[9:]}"
pos("br_cpf", f"Meu CPF é {fc(br1)}, pode emitir a nota", fc(br1))
pos("br_cpf", f"{fc(br2)}", fc(br2))
pos("br_cpf", f"CPF {br3} para o cadastro", br3)
pos("br_cpf", f"cadastro de pessoas físicas: {fc(br4)}", fc(br4))
pos("br_cpf", f"Brazilian CPF for the contractor: {fc(br5)}", fc(br5))
trap("br_cpf", f"CPF {fc(wrong(br1, cpf_ok))} inválido")
trap("br_cpf", f"Pedido {br2} enviado")
trap("br_cpf", "CPF 111.111.111-11 do exemplo")
trap("br_cpf", "Ligue (11) 98765-4321", ("phone", "(11) 98765-4321"))
trap("br_cpf", f"Nota fiscal {br5}")

cnpj_ok = cnpj.is_valid
cn1 = checked("11222333000181", cnpj_ok)
cn2 = complete("453897210001", cnpj_ok, k=2)
cn3 = complete("060908920001", cnpj_ok, k=2)
cn4 = complete("337921540001", cnpj_ok, k=2)
cn5 = complete("198273640002", cnpj_ok, k=2)
fj = lambda n: f"{n[:2]}.{n[2:5]}.{n[5:8]}/{n[8:12]}-{n[12:]}"
pos("br_cnpj", f"CNPJ {fj(cn1)} no contrato do fornecedor", fj(cn1))
pos("br_cnpj", f"nosso cnpj: {fj(cn2)}", fj(cn2))
pos("br_cnpj", f"{fj(cn3)} é o CNPJ da filial", fj(cn3))
pos("br_cnpj", f"CNPJ {cn4} para faturar", cn4)
pos("br_cnpj", f"Cadastro nacional da empresa: {fj(cn5)}", fj(cn5))
trap("br_cnpj", f"CNPJ {fj(wrong(cn1, cnpj_ok))} inválido")
trap("br_cnpj", f"Pedido {cn2} enviado")
trap("br_cnpj", f"Boleto {cn4}")
trap("br_cnpj", "Reunião 12/03/2024 às 10h")
trap("br_cnpj", "CNPJ 11.222.333/0001 sem dígitos")

curp_ok = curp.is_valid
cu1 = checked("HEGG560427MVZRRL04", curp_ok)
cu2 = complete("BADD110313HCMLNS0", curp_ok)
cu3 = complete("MAPR850722MDFRRS0", curp_ok)
cu4 = complete("GOLJ921130HJCNPN0", curp_ok)
cu5 = complete("RAHL050614MNLMRSA", curp_ok)
pos("mx_curp", f"Mi CURP es {cu1}", cu1)
pos("mx_curp", f"CURP {cu2} para el trámite", cu2)
pos("mx_curp", f"clave única: {cu3}", cu3)
pos("mx_curp", f"Mexican CURP for the new hire: {cu4}", cu4)
pos("mx_curp", f"la escuela pide la CURP de mi hija {cu5}", cu5)
trap("mx_curp", f"CURP {wrong(cu1, curp_ok)} inválida")
trap("mx_curp", "CURP HEGG560427MQQRRL04 con estado falso")
trap("mx_curp", "Pedido ABCD123456HXXXXX01 enviado")
trap("mx_curp", "Folio HEGG569927MVZRRL04 del sistema")
trap("mx_curp", "Código de descuento VERANO2024")

# ---------------------------------------------------------------- US
itin_ok = itin.is_valid
it1 = checked("912-70-1234", itin_ok)
it2 = checked("923-88-4567", itin_ok)
it3 = checked("987-78-4321", itin_ok)
it4 = checked("900-93-0000", lambda x: True) and "900-94-1122"
it5 = checked("955-81-3141", itin_ok)
assert itin_ok(it4)
pos("us_itin", f"ITIN {it1} for the tax return", it1)
pos("us_itin", f"my ITIN is {it2.replace('-', '')}", it2.replace("-", ""))
pos("us_itin", f"Individual Taxpayer Identification Number {it3}", it3)
pos("us_itin", f"W-7 approved, ITIN: {it4}", it4)
pos("us_itin", f"{it5} (my ITIN, for the bank)", it5)
trap("us_itin", "ITIN 912-40-1234 not valid")
trap("us_itin", f"Order {it2.replace('-', '')} shipped")
trap("us_itin", "Call 912-555-0123", ("phone", "912-555-0123"))
trap("us_itin", "Case 987654321 closed")
trap("us_itin", "ITIN 912-93-1234 rejected")

# ---------------------------------------------------------------- Passports
mrz1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
mrz2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"

def mrz_line(doc, nat, dob, sex, exp, opt):
    doc = doc.ljust(9, "<")
    opt = opt.ljust(14, "<")
    l = doc + icao(doc) + nat + dob + icao(dob) + sex + exp + icao(exp) + opt + icao(opt)
    comp = l[0:10] + l[13:20] + l[21:43]
    return l + icao(comp)

mz = [
    mrz_line("C4F7R2K91", "D<<", "880214", "F", "310913", ""),
    mrz_line("123456789", "USA", "750101", "M", "290505", ""),
    mrz_line("X9R2T4M80", "NLD", "920730", "F", "320101", "999999990"),
    mrz_line("AB1234567", "FRA", "010203", "M", "330303", ""),
]
pos("passport_mrz", f"scan of my passport page lol\nP<D<<MUSTER<<ERIKA<<<<<<<<<<<<<<<<<<<<<<<<<<\n{mz[0]}", "P<D<<MUSTER<<ERIKA<<<<<<<<<<<<<<<<<<<<<<<<<<\n" + mz[0])
pos("passport_mrz", f"{mz[1]}", mz[1])
pos("passport_mrz", f"OCR output from the hotel's scanner: {mz[2]} why is this in the group chat", mz[2])
pos("passport_mrz", f"MRZ line 2: {mz[3]}", mz[3])
pos("passport_mrz", f"ICAO sample:\n{mrz1}\n{mrz2}", f"{mrz1}\n{mrz2}")
bad = list(mz[1]); bad[15] = "9"; bad = "".join(bad)
trap("passport_mrz", f"{bad}")
trap("passport_mrz", mz[2][:-1] + str((int(mz[2][-1]) + 1) % 10))
trap("passport_mrz", "P<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<")
trap("passport_mrz", "Order 1234567890ABC1234567890ABCDEFGHIJKLMNOPQRST shipped")
trap("passport_mrz", "hash 0123456789012345678901234567890123456789abcd")

pos("passport_number", "passport L898902C3", "L898902C3")
pos("passport_number", "Booking the flight, passport number 561943287, expiry 2031", "561943287")
pos("passport_number", "Mein Reisepass: C4F7R2K91 (bitte für die Buchung)", "C4F7R2K91")
pos("passport_number", "numéro de passeport 18AB45213 pour le visa", "18AB45213")
pos("passport_number", "pasaporte n.º PAA123456 caducado 😩", "PAA123456")
pos("passport_number", "US passport A12345678 renewed today", "A12345678")
trap("passport_number", "passport photos 2024 booth next to the office")
trap("passport_number", "Passport Control TERMINAL 2 was packed")
trap("passport_number", "Flight 561943287 delayed")
trap("passport_number", "passport renewal took 6 weeks")
trap("passport_number", "passport size photo: 35x45 mm, code ABCDEFGH")

# ---------------------------------------------------------------- Banks
bics = ["DEUTDEFF", "BNPAFRPPXXX", "COBADEFFXXX", "INGBNL2A", "CHASUS33"]
for x in bics:
    assert bic.is_valid(x), x
pos("swift_bic", f"Wire it to BIC {bics[0]}, IBAN in DM", bics[0])
pos("swift_bic", f"SWIFT code: {bics[1]}", bics[1])
pos("swift_bic", f"Bank details for the refund: {bics[2]}", bics[2])
pos("swift_bic", f"our bank's swift is {bics[3]}", bics[3])
pos("swift_bic", f"Wire transfer via {bics[4]} please", bics[4])
trap("swift_bic", "BUSINESS update: great quarter")
trap("swift_bic", "DEUTQQFF is not a bank")
trap("swift_bic", "CHAMPION of the week goes to Ana")
trap("swift_bic", "Project DEUTDEFF kickoff at noon")
trap("swift_bic", "BIC DEUTDEFOXXX looks wrong")

rtn_ok = rtn.is_valid
r1 = checked("021000021", rtn_ok)
r2 = checked("011000015", rtn_ok)
r3 = complete("12100035", rtn_ok)
r4 = complete("26107458", rtn_ok)
r5 = complete("32227316", rtn_ok)
pos("aba_routing", f"routing number {r1}, account in DM", r1)
pos("aba_routing", f"ABA {r2} for the wire", r2)
pos("aba_routing", f"Direct deposit: routing {r3}", r3)
pos("aba_routing", f"RTN {r4} (credit union)", r4)
pos("aba_routing", f"the routing number is {r5} if you want to send it", r5)
trap("aba_routing", f"routing number {wrong(r1, rtn_ok)} bounced")
trap("aba_routing", f"Order {r3} shipped")
trap("aba_routing", "routing 421000029 from the quiz")
trap("aba_routing", f"Invoice {r4}")
trap("aba_routing", f"Tracking {r5}")

# ---------------------------------------------------------------- Wallets
pos("bitcoin_address", "Tips welcome: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa 🙏", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
pos("bitcoin_address", "BTC: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
pos("bitcoin_address", "my wallet bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")
pos("bitcoin_address", "send sats to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
pos("bitcoin_address", "Donations: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
pos("bitcoin_address", "BIP 173 example BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
trap("bitcoin_address", "Tips: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
trap("bitcoin_address", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr")
trap("bitcoin_address", "commit 3f2a9c81d0e4b7a6c5d9e8f7a6b5c4d3e2f1a0b9")
trap("bitcoin_address", "bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq mixed case")
trap("bitcoin_address", "id 1234567890123456789012345678")

def eip55(addr):
    from Crypto.Hash import keccak
    h = keccak.new(digest_bits=256, data=addr.lower().encode()).hexdigest()
    return "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(addr.lower()))

e_addrs = [
    "0x" + eip55("d8da6bf26964af9d7eed9e03e53415d37aa96045"),
    "0x" + eip55("71c7656ec7ab88b098defb751b7401b5f6d8976f"),
    "0x52908400098527886e0f7030069857d2e4169ee7",
    "0x" + eip55("de0b295669a9fd93d5f28d9ec85e40f4cb697bae"),
    "0x" + eip55("ab5801a7d398351b8be11c439e05c5b3259aec9b"),
]
pos("ethereum_address", f"ETH donations: {e_addrs[0]}", e_addrs[0])
pos("ethereum_address", f"send the USDT to {e_addrs[1]} please", e_addrs[1])
pos("ethereum_address", f"metamask {e_addrs[2]}", e_addrs[2])
pos("ethereum_address", f"my wallet {e_addrs[3]} 🚀", e_addrs[3])
pos("ethereum_address", f"{e_addrs[4]}", e_addrs[4])
bad_case = e_addrs[0][:-1] + (e_addrs[0][-1].lower() if e_addrs[0][-1].isupper() else e_addrs[0][-1].upper())
if not e_addrs[0][-1].isalpha():
    i = max(i for i, c in enumerate(e_addrs[0]) if c.isalpha() and i > 1)
    bad_case = e_addrs[0][:i] + e_addrs[0][i].swapcase() + e_addrs[0][i + 1:]
trap("ethereum_address", f"ETH: {bad_case}")
trap("ethereum_address", "burn address 0x0000000000000000000000000000000000000000")
trap("ethereum_address", "sha1 0x3f2a9c81d0e4b7a6c5d9e8f7a6b5c4d3e2f1a0b9c8")
trap("ethereum_address", "color 0xFFAA00 in the theme")
trap("ethereum_address", "tx hash 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")

# ---------------------------------------------------------------- Network
pos("internal_ip", "The build server is at 10.20.30.40, ssh in and restart it", "10.20.30.40")
pos("internal_ip", "VPN gives me 172.16.4.12 but the intranet won't load", "172.16.4.12")
pos("internal_ip", "grafana on 192.168.50.23:3000 is down again", "192.168.50.23")
pos("internal_ip", "db replica 10.0.12.7 lagging, anyone?", "10.0.12.7")
pos("internal_ip", "printer ip 172.31.200.5", "172.31.200.5")
trap("internal_ip", "Upgraded to version 10.4.2.1 today")
trap("internal_ip", "ping 8.8.8.8 works, so it's DNS")
trap("internal_ip", "localhost 127.0.0.1 only")
trap("internal_ip", "172.32.1.1 is a public address")
trap("internal_ip", "Chapter 10.1.2.3.4 of the manual")

# ---------------------------------------------------------------- Dates of birth
pos("date_of_birth", "Happy to share: born on March 3, 1990 in Lyon", "March 3, 1990")
pos("date_of_birth", "DOB: 14/07/1985, please update my HR record", "14/07/1985")
pos("date_of_birth", "Née le 3 mars 1985 à Paris, et fière de l'être", "3 mars 1985")
pos("date_of_birth", "Geburtsdatum 03.09.1979 steht falsch im System", "03.09.1979")
pos("date_of_birth", "fecha de nacimiento: 3 de marzo de 1985", "3 de marzo de 1985")
pos("date_of_birth", "geboortedatum 1992-11-30", "1992-11-30")
trap("date_of_birth", "DOB: 31/02/1985 can't be right")
trap("date_of_birth", "Meeting on 14/07/2025 in Lyon")
trap("date_of_birth", "The idea was born on a napkin in 2019")
trap("date_of_birth", "Birthday party 12/05 at my place!")
trap("date_of_birth", "born on Blurday 3, 1990")

# ---------------------------------------------------------------- Existing detectors: traps
for t in [
    "Order 4539 1488 0343 6468 shipped",
    "ISBN 978-3-16-148410-0",
    "Tracking 1Z999AA10123456784",
    "pi to 16 places: 3.1415926535897932",
    "Timestamp 1709251200123",
]:
    trap("credit_card", t)
for t in [
    "IBAN GB82 WEST 1234 5698 7654 33 has a typo",
    "Reference DE00 1234 5678 9012 3456 78",
    "ZZ82WEST12345698765432",
    "Model DE89-3704 is sold out",
    "Part number FR76 3000 6000 0112 3456 7890 18X",
]:
    trap("iban", t)
for t in [
    "Ticket 666-12-3456 closed",
    "SSN 000-12-3456 (example)",
    "Call 912-12-3456",
    "Part 123-00-4567 in stock",
    "ISBN 0-306-40615-2",
]:
    trap("us_ssn", t)
pos("us_ssn", "SSN 078.05.1123", "078.05.1123")
pos("us_ssn", "my social security number is 219-09-9998", "219-09-9998")
for t in [
    "icon@2x.png looks blurry",
    "Follow @safepost on X",
    "user@localhost is not an address",
    "email me at name@@example",
    "that's 5@3.5 odds",
]:
    trap("email", t)
pos("email", "Reach me at anna.schmidt@contoso.de after the talk", "anna.schmidt@contoso.de")
pos("email", "cv goes to jobs+eng@fabrikam.io", "jobs+eng@fabrikam.io")
for t in [
    "Version 2.14.1234567 released",
    "Score was 3-2-1 in the final minute",
    "Order #1234567 shipped",
    "Price $1,234,567 for the house",
    "ISBN 978-0-306-40615-7",
]:
    trap("phone", t)
for t in [
    "Version 47.6062, build 122.3321",
    "Prices 12.50, 13.75 and 47.60",
    "latitude 95.1234, -200.5678 is not on Earth",
    "Score 47.6062 to 122.3321 in the final",
    "Ratio 1.234567, 2.345678",
]:
    trap("gps_coordinates", t)
for t in [
    "Check maps.google.com for directions",
    "https://www.google.com/maps is down",
    "open https://www.openstreetmap.org to contribute",
    "https://maps.apple.com is the new app",
    "bing.com/maps search for cafes",
]:
    trap("map_link", t)
pos("map_link", "meet here https://www.google.com/maps/@47.6205,-122.3493,15z", "https://www.google.com/maps/@47.6205,-122.3493,15z")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_ids.jsonl")
with open(out, "w", encoding="utf-8") as f:
    for p in posts:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
print(f"{len(posts)} posts -> {out}")

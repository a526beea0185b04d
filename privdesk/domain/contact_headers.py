"""What a column of a CRM or address-book export means, from its header.

The layouts recognised (looked up from the exports themselves, see README "Importing
contacts"): our template; HubSpot contacts; Salesforce reports and Data Loader
(upper-case API names); Mailchimp subscribed / unsubscribed / cleaned audience exports;
Outlook; Google Contacts (current and legacy); Zoho CRM; Pipedrive ("Person - …");
Thunderbird; vCard 3/4 (read by contact_vcard into the same headers); and common
German, French, Polish, Spanish, Italian and Dutch headers.
"""

from __future__ import annotations

import re

from privdesk.domain.identity import fold

# Our own columns, in the template's order (documented in the README).
COLUMNS = ("name", "email", "phone", "company", "location", "status", "source",
           "first_contact", "customer_since", "ceased", "last_activity", "marketing_opt_out",
           "notes")
# Targets combined into our columns: name and location parts, a second phone, and the
# opt-out facts that CRMs spread over several columns.
PARTS = ("first_name", "middle_name", "last_name", "city", "region", "country", "mobile",
         "opt_out_status", "opt_out_date")
IGNORE = "ignore"  # "do not import, on purpose" (needed for an opt-out-looking column)
TARGETS = COLUMNS + PARTS
# Several columns may feed one target: the first non-empty value counts (HubSpot's
# Company Name, then Associated Company; Pipedrive's work email, then home), and for
# the opt-out targets any one of them set is an objection.

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "contact name", "contact", "display name",
             "customer name", "person", "file as", "nom complet", "imie i nazwisko",
             "vollstandiger name"),
    "first_name": ("first name", "firstname", "given name", "forename", "first", "vorname",
                   "imie", "prenom", "nombre", "nome", "voornaam", "fname"),
    "middle_name": ("middle name", "middlename", "additional name", "second name"),
    "last_name": ("last name", "lastname", "surname", "family name", "last", "nachname",
                  "familienname", "nazwisko", "nom", "nom de famille", "apellido",
                  "apellidos", "cognome", "achternaam", "lname"),
    "email": ("email", "e mail", "email address", "e mail address", "work email",
              "primary email", "email 1", "business email", "mail", "email 1 value",
              "e mail 1 value", "personemail", "email work", "adresse e mail", "courriel",
              "e mail adresse", "adres e mail", "correo electronico", "correo"),
    "phone": ("phone", "phone number", "telephone", "telephone number", "tel",
              "work phone", "primary phone", "business phone", "phone 1", "phone 1 value",
              "phone work", "telefon", "telefono", "numer telefonu", "telefoon",
              "company main phone"),
    "mobile": ("mobile", "mobile phone", "mobile number", "mobilephone", "mobile phone number",
               "cell", "cell phone", "phone mobile", "phone 2 value",
               "handy", "mobiltelefon", "portable", "telephone portable", "telefon komorkowy",
               "komorka", "movil", "cellulare", "mobiel", "personmobilephone"),
    "company": ("company", "company name", "organisation", "organization", "account",
                "account name", "employer", "business name", "organisation name",
                "organization name", "organization 1 name", "associated company",
                "firma", "unternehmen", "societe", "entreprise", "empresa", "azienda",
                "bedrijf", "nazwa firmy", "accountname"),
    "location": ("location", "address", "company location", "mailing address",
                 "address 1 formatted", "postal address", "adresse", "adres", "direccion",
                 "indirizzo"),
    "city": ("city", "town", "mailing city", "billing city", "town city", "business city",
             "work city", "address 1 city", "ort", "stadt", "ville",
             "miasto", "miejscowosc", "ciudad", "citta", "plaats", "mailingcity"),
    "region": ("county", "state", "region", "province", "mailing state", "business state",
               "work state", "address 1 region", "state region", "mailing state province",
               "bundesland", "wojewodztwo", "mailingstate"),
    "country": ("country", "country region", "mailing country", "billing country",
                "business country region", "business country", "work country",
                "address 1 country", "home country region", "cc", "country code",
                "land", "pays", "kraj", "pais", "paese", "mailingcountry"),
    "status": ("status", "contact status", "lifecycle stage", "contact type", "stage",
               "type", "label"),
    "source": ("source", "lead source", "original source", "contact source", "leadsource",
               "how did you hear about us", "quelle", "zrodlo", "origine"),
    "first_contact": ("first contact", "first contacted", "created", "create date",
                      "created date", "date created", "created at", "created time",
                      "createddate", "optin time", "person created", "added"),
    "customer_since": ("customer since", "became a customer date", "customer start"),
    "ceased": ("ceased", "ceased on", "customer until", "churn date", "end date"),
    "last_activity": ("last activity", "last activity date", "last contacted",
                      "last contact", "last activity at", "last activity time",
                      "lastactivitydate"),
    "marketing_opt_out": ("marketing opt out", "opt out", "opted out", "email opt out",
                          "unsubscribed", "do not email", "marketing optout",
                          "hasoptedoutofemail", "personhasoptedoutofemail",
                          "unsubscribed from all email", "portal unsubscribe",
                          "do not call", "donotcall", "hasoptedoutoffax", "fax opt out",
                          "do not contact", "do not mail", "global unsubscribe"),
    "opt_out_status": ("marketing status", "email marketing status", "subscription status",
                       "email subscription status", "newsletter status", "email status"),
    "opt_out_date": ("unsub time", "clean time", "unsubscribe date", "unsubscribed date",
                     "opt out date", "email opt out date", "opted out date",
                     "unsubscribed at", "unsubscribe time", "opt out on", "opted out on"),
    "notes": ("notes", "note", "description", "comments", "comment", "notizen",
              "bemerkungen", "uwagi", "notatki", "remarques", "notas", "notities"),
    # Recognised, and deliberately not imported: they look like consent columns but
    # record something else (HubSpot's billing flag, a bounce, an opt-in time).
    IGNORE: ("marketing contact status", "portal bounce", "global bounce",
             "portal spam report", "email bounced reason", "email bounced date",
             "confirm time", "optin ip", "confirm ip", "unsub campaign title",
             "unsub campaign id", "unsub reason", "unsub reason other", "clean campaign title",
             "clean campaign id", "do not call reason"),
}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(header).replace("_", " "))


_LOOKUP = {header_key(alias): target for target, aliases in _ALIASES.items()
           for alias in aliases}
# Words in a header that mean "this may be about consent or objection".
_OPT_OUT_WORDS = ("optout", "optedout", "unsub", "donot", "suppress", "consent", "subscri",
                  "gdpr", "rgpd", "dsgvo", "permission", "blacklist", "blocklist", "dnc",
                  "nomarketing", "marketingstatus", "emailstatus", "optin", "abmeld",
                  "abgemeldet", "desabonn", "desinscri", "wypis", "zgoda", "einwilligung",
                  "objection", "objected", "robinson", "tps")
_PREFIX = re.compile(r"^\s*(person|contact|lead|people)\s*-\s*", re.IGNORECASE)


def guess_target(header: str) -> str | None:
    target = _LOOKUP.get(header_key(header))
    if target is None and _PREFIX.match(header):  # Pipedrive: "Person - Email - Work"
        target = _LOOKUP.get(header_key(_PREFIX.sub("", header)))
    return target


def looks_like_opt_out(header: str) -> bool:
    key = header_key(header)
    return any(word in key for word in _OPT_OUT_WORDS)


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index -> target for every header recognised."""
    mapping: dict[int, str] = {}
    for i, header in enumerate(headers):
        target = guess_target(header)
        if target is not None:
            mapping[i] = target
    return mapping


def unread_opt_out_columns(headers: list[str], mapping: dict[int, str]) -> list[str]:
    """Headers that look like an opt-out but are neither mapped nor ignored on purpose:
    the import must not go ahead while any remains (an objection must never be lost)."""
    return [h for i, h in enumerate(headers) if h and i not in mapping and looks_like_opt_out(h)]


def whole_file_objection(headers: list[str]) -> str | None:
    """A file in which every row is an objection (Mailchimp's unsubscribed and cleaned
    audience exports), named for the report; None for an ordinary file."""
    keys = {header_key(h) for h in headers}
    if keys & {"unsubtime", "unsubcampaigntitle", "unsubreason"}:
        return "a Mailchimp unsubscribed export"
    if keys & {"cleantime", "cleancampaigntitle"}:
        return "a Mailchimp cleaned export"
    return None


def recognise(headers: list[str]) -> str | None:
    """The export a header row came from, for the officer to see; None if unknown."""
    keys = {header_key(h) for h in headers}
    raw = set(headers)
    objection = whole_file_objection(headers)
    if objection:
        return objection.removeprefix("a ")
    if {"emailaddress", "memberrating", "leid"} <= keys:
        return "Mailchimp subscribed export"
    if "hasoptedoutofemail" in keys and any(h.isupper() for h in raw):
        return "Salesforce Data Loader"
    if {"unsubscribedfromallemail"} & keys or {"recordid", "lifecyclestage"} <= keys:
        return "HubSpot"
    if any(h.startswith("Person - ") for h in raw):
        return "Pipedrive"
    if "email1value" in keys and "organization1name" in keys:
        return "Google Contacts (legacy)"
    if "email1value" in keys:
        return "Google Contacts"
    if {"businessphone", "mobilephone", "emailaddress"} <= keys:
        return "Outlook"
    if {"primaryemail", "displayname"} <= keys:
        return "Thunderbird"
    if {"emailoptout", "contactowner"} <= keys and "createdtime" in keys:
        return "Zoho CRM"
    if {"emailoptout", "accountname"} <= keys:
        return "Salesforce report"
    if "formattedname" in keys and "vcardversion" in keys:
        return "vCard"
    ours = {header_key(c) for c in COLUMNS}
    if "name" in keys and keys <= ours | {"id", "optouton", "legalholdreason",
                                          "legalholduntil", "retentionrule", "retentiondue"}:
        return "privdesk template"
    return None

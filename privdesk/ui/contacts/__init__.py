"""The Contacts area: the register table, the contact editor and the CSV import."""

from privdesk.ui.contacts.area import ContactsArea, ContactsServices

__all__ = ["ContactsArea", "ContactsServices"]

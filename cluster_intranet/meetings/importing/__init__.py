"""Protocol import: a protocol written in Word (or pasted as text) read back into a meeting.

One module per job:

- ``structure``: the plain dataclasses a parsed protocol is made of;
- ``names``: people's names as protocols write them (normalised, initials, the
  nominative of «СЛУШАЛИ: Пояркову О.Н.»);
- ``parser``: lines of text in, a ``ParsedProtocol`` out — pure, no Flask, no database;
- ``reader``: a .docx (or .txt) file into those lines; LibreOffice converts .doc, .rtf
  and .odt to .docx first; bad files refused with a Russian message;
- ``matcher``: the parsed people, organisations and council against the directory;
- ``saving``: the reviewed protocol created as a meeting, in one transaction.
"""

"""Triage: what a person does to a flood of stories rather than to one.

Rules that file, hide, mark or announce new stories (`rules`), saved searches
shown as sidebar sections (`saved`), the hidden list (`hidden`), the undo
stack (`undo`), unread counts for status bars (`unread`), when each source is
due for a refresh (`schedule`) and how new stories are announced (`notify`).
None of it imports Textual; the reader screen and the CLI call it.
"""

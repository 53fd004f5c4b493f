"""The team hub: a PostgreSQL database the desktop app syncs with (DESIGN.md "Layers the next
round adds"). The local SQLite file stays the working copy; the hub hands out articles and
collects everyone's work, and the database itself (row-level security) decides who may change
what. No Qt here; SQL for PostgreSQL lives only in this package."""

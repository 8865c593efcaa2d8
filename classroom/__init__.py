"""The classroom: one facilitator, many teams, one room, live.

A server (`classroom.app`, FastAPI on uvicorn) runs every team's model on the room's scenario
and seed, so every team plays the same world; teams play in the browser (the pages in
`classroom/static/`, nothing installed) and the facilitator runs rounds from a page of their
own. The room's state machine (`classroom.room`) is pure: it changes only by the actions in
its SQLite log (`classroom.store`), so a crashed server rebuilds every team by exact replay.
`sim` never imports this package.
"""

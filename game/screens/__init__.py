"""The game's screens: title, picker, briefing, play, debrief. Each owns its widgets, and none
imports another: they navigate by name through the app (`game.app.SCREENS`)."""

"""The game's screens: title, picker, briefing, play, debrief. Each owns its widgets."""

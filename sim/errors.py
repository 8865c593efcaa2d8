"""The project's one error family: bad input a person can fix.

Every error raised for a bad lever, world setting, scenario file, sweep spec, saved game or
command-line argument derives from `PartnersimError`, so the CLI, the game and the classroom
server catch exactly these (and print the message, which names the file, the key and what is
allowed) while a genuine bug still ends in a traceback.
"""

from __future__ import annotations


class PartnersimError(ValueError):
    """Bad input, described in one message a user can act on.

    It subclasses ValueError so code written before the family existed keeps catching it.
    """

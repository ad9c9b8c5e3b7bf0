"""The newsletter's command names and its role: light, so the hooks module that grants them
imports none of the plug-in's records (civicvol loads every plug-in's hooks at each start)."""

FOUND = "newsletter.found"
APPOINT_EDITOR = "newsletter.appoint_editor"
ASSIGN_ROLES = "newsletter.assign_roles"
STAND_DOWN_EDITOR = "newsletter.stand_down_editor"
PUBLISH = "newsletter.publish"
EDITOR_ROLE = "editor"  # a plug-in role: a volunteer acting as an editor of a bulletin

"""Data shipped with privdesk (policy, fonts, icons, letter templates).

Installed as the package ``privdesk.resources``; read it with importlib.resources.
"""

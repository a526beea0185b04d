"""The screenshot tour: `python -m privdesk.ui.tour --out DIR --size WxH`."""

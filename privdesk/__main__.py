from privdesk.cli import main

raise SystemExit(main())

"""``python -m pytest_claude_guard._cli``: the ``claude-guard`` command."""
import sys

from . import main

sys.exit(main())

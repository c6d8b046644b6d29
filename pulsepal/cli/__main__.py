"""`python -m pulsepal.cli ...`"""

import sys

from . import main

sys.exit(main())

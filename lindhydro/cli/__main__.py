import sys

from lindhydro.cli import main

sys.exit(main())

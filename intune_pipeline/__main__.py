import sys

from intune_pipeline.cli import main

sys.exit(main())

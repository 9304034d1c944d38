#!/usr/bin/env python
from mediation.cli import main

if __name__ == "__main__":
    main()

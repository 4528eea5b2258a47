from mlcoach.cli import main

main()

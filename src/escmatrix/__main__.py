from escmatrix.cli.app import main

main()

import FolioCLI

await Folio.main()

"""Sources stage (group `sources`): an asset per landed source file with its blocking row-conservation check,
`catalog` reading the declarations in `catalog.yml`, and the `loader` that loads a file into `raw.<source>`."""

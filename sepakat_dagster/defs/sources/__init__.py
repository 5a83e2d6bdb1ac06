"""Sources stage (group `sources`): an asset per landed source file with its blocking row-conservation check,
`catalog` reading the declarations in `catalog.yml`, and the `loader` that loads a file into `raw.<source>`, reading
its bytes through `file_bytes` (encodings, the byte scan, a UTF-8 copy) and its records through `records` (lines
joined where a quoted field holds a line break)."""

"""The programme's public data, without a token (issue 25): the labelled territories with their EPCI, communes,
départements and regions, and the programme's figures by territory, département and region, as files following
French public open-data conventions, each with its Table Schema (frictionless), under `/donnees-ouvertes/`.

- `schema.py`: a column, a dataset, and the Table Schema / Data Package descriptors derived from them (one source
  for the files and their descriptors);
- `catalogue.py`: the datasets, their columns (French descriptions) and how their rows are built (`lists.py`,
  `figures.py`); the columns the public audience may not see (`visibility.withheld(…, PUBLIC)`) are left out;
- `files.py`: CSV (`,` without BOM; `;` with a UTF-8 BOM), XLSX, dated file names, amounts in euros;
- `store.py`: the rows, read in one snapshot with the change cursor that dates them;
- `conditional.py`: ETag, Last-Modified and 304; `routes.py`: the routes, rate-limited per client address.
"""

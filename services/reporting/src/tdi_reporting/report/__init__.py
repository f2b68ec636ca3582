"""The steering committee's report (issue 26): a PDF in French (Typst) and its XLSX companion, for the nation, a
region, a département or a territory, from the dashboard's figures; by command and by route."""

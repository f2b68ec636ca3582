"""Bulk import of an action plan from the spreadsheets territories keep (XLSX or CSV): file, rows, use case."""

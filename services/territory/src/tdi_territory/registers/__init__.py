"""The programme's registers: sites clés en main France 2030, écoles de production, Rebond industriel laureates,
regional chefs de projet (issue 24, C5-C7)."""

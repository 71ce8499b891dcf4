"""Reports for an organisation's coordinators and staff: hours and gifts on screen, as CSV, XLSX and PDF."""

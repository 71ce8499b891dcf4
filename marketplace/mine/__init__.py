"""The personal home ("我的"): one page with a section for each role the person holds."""

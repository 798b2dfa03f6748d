"""The 一网通办 pages: the hall's (staff) pages, the catalogue's, and the applicant's."""

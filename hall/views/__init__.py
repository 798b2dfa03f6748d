"""The hall's pages: public (kiosk, screen, the phone's 预约) and staff (desk, board)."""

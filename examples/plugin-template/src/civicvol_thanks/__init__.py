"""Thank-you cards (感谢卡): a resident thanks the volunteer who served them; the card earns
the volunteer points. A template for civicvol plug-ins."""

__version__ = "0.1.0"

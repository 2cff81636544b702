"""Every text a resident or staff member reads (bot/*.yaml) and the web pages (web/):
package data, so the installed wheel carries them. No code lives here."""

"""The peer's Django project for `python -m bench.peers`: django-helpdesk, as a small site runs it.

These files run only inside the peer's own virtual environment (bench.peers copies this folder
there and puts it on PYTHONPATH as the top-level package `peer_helpdesk`): they import helpdesk
and Django REST framework, which Mochou does not depend on, and never import `bench` or Mochou.
They are our own configuration of the peer (settings, URLs, a loader and a timing agent); none of
django-helpdesk's code is copied here.
"""

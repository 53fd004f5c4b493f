"""The annotating window: the article, its spans and links, the list of articles, and the
menus, status bar and background jobs that MainWindow composes."""

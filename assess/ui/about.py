"""The application icon, the Help menu and its About box (version, database in use, when the limits were checked)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QMainWindow, QVBoxLayout, QWidget

from assess.resources import resource
from assess.services.about import AboutAssess, about_assess

ICON = "assess.svg"
# Drawn once at each size a desktop asks for, so every size is sharp (a scaled bitmap is not); read through
# importlib.resources as bytes, which works the same in a checkout, a wheel and a bundle.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def application_icon() -> QIcon:
    data = QByteArray(resource(ICON).read_bytes())
    icon = QIcon()
    for size in ICON_SIZES:
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer, QByteArray(b"svg"))
        reader.setScaledSize(QSize(size, size))
        image = reader.read()
        if not image.isNull():  # no SVG image plugin: Qt's default icon, never a failed start
            icon.addPixmap(QPixmap.fromImage(image))
    return icon


def set_application_identity(app: QApplication) -> None:
    """Name and icon for the whole application: every window and dialog shows the icon without asking."""
    app.setApplicationName("assess")
    app.setApplicationDisplayName("assess")
    app.setDesktopFileName("assess")  # Wayland and task bars match the window to packaging/linux/assess.desktop
    app.setWindowIcon(application_icon())


class AboutDialog(QDialog):
    def __init__(self, facts: AboutAssess, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About assess")
        self.setObjectName("about_dialog")
        layout = QVBoxLayout(self)
        picture = QLabel()
        picture.setPixmap(application_icon().pixmap(64, 64))
        layout.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = QLabel(f"assess {facts.version}")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        layout.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(QLabel("Spasticity assessment records: exam findings, treatments, trends and reports."))
        self.database = QLabel(f"Database: {facts.database}")
        self.limits = QLabel(facts.limits_sentence())
        for label in (self.database, self.limits):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copied into a ticket
            layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def add_help_menu(window: QMainWindow, database: str) -> QAction:
    """The Help menu, last in the menu bar, with About assess (Alt+H, A)."""
    help_menu = window.menuBar().addMenu("&Help")
    action = help_menu.addAction("&About assess…")
    action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS moves it to the application menu

    def show() -> None:
        AboutDialog(about_assess(database), window).exec()

    action.triggered.connect(lambda _checked=False: show())
    return action

"""The data bundle (docs/BUNDLE.md): a folder of CSV files holding a whole portal's data.

``import_bundle`` checks every row of every file and writes nothing unless all are good;
``export_bundle`` writes the whole database; the ``_zip`` variants serve the admin page.
"""
from .export import export_bundle, export_bundle_zip, write_bundle
from .importer import ImportReport, import_bundle, import_bundle_zip
from .spec import FILES
from .validate import BundleInvalid, check_bundle

__all__ = ["FILES", "BundleInvalid", "ImportReport", "check_bundle", "export_bundle", "export_bundle_zip",
           "import_bundle", "import_bundle_zip", "write_bundle"]

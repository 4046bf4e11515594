//! Where original uploads are kept until the retention period ends: an `object_store`
//! (a local directory by default; any S3-compatible store can be plugged in the same way).

use std::path::Path;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::ImportError;

/// The store for uploaded files, cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.store)
    }
}

impl FileStore {
    /// A store in a local directory (created if missing).
    pub fn local(dir: &Path) -> Result<Self, ImportError> {
        std::fs::create_dir_all(dir).map_err(ImportError::internal)?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(ImportError::internal)?;
        Ok(FileStore {
            store: Arc::new(store),
        })
    }

    /// Any object store (S3, GCS, Azure, in-memory for tests).
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        FileStore { store }
    }

    /// Copies a local file into the store under `key`, streaming it in parts.
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<(), ImportError> {
        let location = StorePath::from(key);
        let upload = self
            .store
            .put_multipart(&location)
            .await
            .map_err(ImportError::internal)?;
        let mut writer = WriteMultipart::new(upload);
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(ImportError::internal)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).await.map_err(ImportError::internal)?;
            if n == 0 {
                break;
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(ImportError::internal)?;
        Ok(())
    }

    /// Reads a stored file back whole (reports and re-mapping read from here).
    pub async fn get(&self, key: &str) -> Result<bytes::Bytes, ImportError> {
        let location = StorePath::from(key);
        let result = self
            .store
            .get(&location)
            .await
            .map_err(ImportError::internal)?;
        result.bytes().await.map_err(ImportError::internal)
    }

    /// Streams a stored file in chunks, or `None` when it is not there (purged).
    pub async fn get_stream(
        &self,
        key: &str,
    ) -> Result<
        Option<futures::stream::BoxStream<'static, Result<bytes::Bytes, ImportError>>>,
        ImportError,
    > {
        use futures::StreamExt;
        match self.store.get(&StorePath::from(key)).await {
            Ok(result) => Ok(Some(
                result
                    .into_stream()
                    .map(|chunk| chunk.map_err(ImportError::internal))
                    .boxed(),
            )),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(ImportError::internal(e)),
        }
    }

    /// Removes a stored file (retention purge); a missing file is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), ImportError> {
        match self.store.delete(&StorePath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(ImportError::internal(e)),
        }
    }
}

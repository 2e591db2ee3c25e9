//! State shared by the commands: the core, the sandbox and the start-up options.

use pers_library::Library;

use crate::options::ShellOptions;
use crate::sandbox::SandboxState;

/// Managed Tauri state, created once in the setup hook.
pub struct AppState {
    /// The application core.
    pub library: Library,
    /// The embedded sandbox, which may still be starting.
    pub sandbox: SandboxState,
    /// Start-up options, such as the scripted file picker.
    pub options: ShellOptions,
}

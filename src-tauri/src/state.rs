//! State shared by the commands: the core, the sandbox and the start-up options.

use pers_library::Library;

use crate::options::ShellOptions;
use crate::remember::RememberState;
use crate::sandbox::SandboxState;

/// Managed Tauri state, created once in the setup hook.
pub struct AppState {
    /// The application core.
    pub library: Library,
    /// The embedded sandbox, which may still be starting.
    pub sandbox: SandboxState,
    /// The keychain entry of "remember me" and the session saved there.
    pub remember: RememberState,
    /// Start-up options, such as the scripted file picker.
    pub options: ShellOptions,
}

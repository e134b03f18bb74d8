//! placeholder
use super::{ByteSource, EditPlan, Format, MediaError, MediaReport, StripMode};
pub fn inspect(_src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    Err(MediaError::CannotStrip(format!("{format} is not supported yet")))
}
pub fn strip(_src: &dyn ByteSource, format: Format, _mode: StripMode) -> Result<EditPlan, MediaError> {
    Err(MediaError::CannotStrip(format!("{format} is not supported yet")))
}

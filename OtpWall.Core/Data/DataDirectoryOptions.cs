using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Data;

/// <summary>
/// The one folder the dashboard writes to: the SQLite database and the Data Protection key ring.
/// Bound from <c>OtpWall:DataDirectory</c>; a relative path is taken from the content root.
/// </summary>
public sealed class DataDirectoryOptions
{
    public const string SectionName = "OtpWall";

    [Required]
    public string DataDirectory { get; set; } = "data";

    public string DatabasePath => Path.Combine(DataDirectory, "otpwall.db");

    public string KeyRingDirectory => Path.Combine(DataDirectory, "keys");
}

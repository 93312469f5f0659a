using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Audit;

/// <summary>Bound from <c>OtpWall:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "OtpWall:Audit";

    /// <summary>Entries older than this many days are deleted once a day.</summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 365;
}

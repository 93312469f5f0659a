using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Spending;

/// <summary>Bound from <c>OtpWall:Spending</c>.</summary>
public sealed class SpendingOptions : IValidatableObject
{
    public const string SectionName = "OtpWall:Spending";

    /// <summary>The time zone days and months of team-key budgets follow (an IANA or Windows id); UTC by default.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _))
            yield return new ValidationResult(
                $"OtpWall:Spending:TimeZone '{TimeZone}' is not a time zone this server knows (for example UTC, Europe/Berlin or America/New_York).",
                [nameof(TimeZone)]);
    }
}

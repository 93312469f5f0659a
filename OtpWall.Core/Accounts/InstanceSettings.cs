namespace OtpWall.Core.Accounts;

/// <summary>Settings an administrator changes at run time; one row.</summary>
public sealed class InstanceSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Chosen by an administrator; unset means <see cref="RegistrationOptions.DefaultPolicy"/>.</summary>
    public RegistrationPolicy? RegistrationPolicy { get; set; }

    /// <summary>Below this team balance, everyone who buys with the team key sees a warning; null: no warning.</summary>
    public decimal? TeamLowBalanceThreshold { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Wallet;

/// <summary>Bound from <c>OtpWall:Wallet</c>.</summary>
public sealed class WalletOptions
{
    public const string SectionName = "OtpWall:Wallet";

    /// <summary>The balance is read from OTPWALL at most this often per user, however many tabs ask.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}

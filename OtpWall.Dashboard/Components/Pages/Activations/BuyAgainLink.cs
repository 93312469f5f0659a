using OtpWall.Core.Activations;

namespace OtpWall.Dashboard.Components.Pages.Activations;

/// <summary>Buy with the pair already chosen: <c>/buy?service=telegram&amp;country=PK</c> (cards and History rows).</summary>
internal static class BuyAgainLink
{
    public static string For(ActivationView activation) =>
        $"/buy?service={Uri.EscapeDataString(activation.Service)}&country={Uri.EscapeDataString(activation.Country)}";
}

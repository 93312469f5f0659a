using Microsoft.JSInterop;
using MudBlazor;

namespace OtpWall.Dashboard.Components.Shared;

/// <summary>Copies text from any page the same way, and says whether it worked (a browser may refuse).</summary>
internal sealed class Clipboard(IJSRuntime js, ISnackbar snackbar)
{
    /// <param name="text">What to copy.</param>
    /// <param name="what">What it is, for the message: "Code", "Number", "Link".</param>
    public async Task CopyAsync(string text, string what)
    {
        if (await TryCopyAsync(text)) snackbar.Add($"{what} copied.", Severity.Info);
        else snackbar.Add(Refused, Severity.Warning);
    }

    /// <summary>Copies without a message of its own, for a page that says it where the person clicked.</summary>
    public async Task<bool> TryCopyAsync(string text)
    {
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            return true;
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            return false;
        }
    }

    public const string Refused = "Your browser did not allow copying; select the text and copy it by hand.";
}

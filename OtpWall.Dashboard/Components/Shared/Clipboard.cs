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
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            snackbar.Add($"{what} copied.", Severity.Info);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            snackbar.Add("Your browser did not allow copying; select the text and copy it by hand.", Severity.Warning);
        }
    }
}

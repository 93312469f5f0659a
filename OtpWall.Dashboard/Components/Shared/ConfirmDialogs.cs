using MudBlazor;

namespace OtpWall.Dashboard.Components.Shared;

internal static class ConfirmDialogs
{
    /// <summary>Asks <paramref name="text"/>; true only when the person chose <paramref name="yes"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string text, string yes, string no, bool destructive = false)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Text, text }, { d => d.Yes, yes }, { d => d.No, no }, { d => d.Destructive, destructive },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        return await dialog.Result is { Canceled: false };
    }
}

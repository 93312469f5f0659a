using MudBlazor;

namespace OtpWall.Dashboard.Components.Theme;

/// <summary>The dashboard's palette: calm blues, with enough contrast for WCAG AA in both modes.</summary>
public static class OtpWallTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#00796b",
            AppbarBackground = "#17407e",
            Background = "#f5f7fb",
            DrawerBackground = "#ffffff",
            Warning = "#9a5b00",
            Error = "#b3261e",
            Success = "#1b6e3a",
            Info = "#1f5fbf",
            // Secondary text dark enough for 4.5:1 on the page background.
            TextSecondary = "rgba(0,0,0,0.68)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8",
            Secondary = "#4db6ac",
            AppbarBackground = "#1b2230",
            Background = "#11151c",
            Surface = "#1b2230",
            DrawerBackground = "#161b24",
            Warning = "#ffb74d",
            Error = "#f28b82",
            Success = "#81c995",
            Info = "#8ab4f8",
            // Light colours carry dark text: white on them would be unreadable.
            PrimaryContrastText = "#0b1d38",
            SecondaryContrastText = "#04211e",
            SuccessContrastText = "#05290f",
            InfoContrastText = "#0b1d38",
            WarningContrastText = "#2e1a00",
            ErrorContrastText = "#3b0a07",
            TextSecondary = "rgba(255,255,255,0.72)",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}

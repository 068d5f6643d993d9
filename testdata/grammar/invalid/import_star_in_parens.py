from m import (*)
